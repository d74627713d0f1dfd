// The Koa 2 dev dependency is installed under the alias "koa2"; the API used here matches Koa 3's types.
declare module "koa2" {
  import Koa = require("koa");
  export = Koa;
}
