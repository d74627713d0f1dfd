// The Express 4 dev dependency is installed under the alias "express4"; its API surface used here matches
// Express 5's types.
declare module "express4" {
  import express = require("express");
  export = express;
}
