// No public API yet: this package grows with the capabilities that land in @goggles/core.
export {};
