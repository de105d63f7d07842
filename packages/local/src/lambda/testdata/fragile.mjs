// A handler that misbehaves on request. `calls` restarts at 1 whenever a fresh worker loads the module.
let calls = 0;

export const handler = async (event) => {
  calls += 1;
  switch (event.action) {
    case "hang":
      return new Promise(() => {});
    case "exit":
      process.exit(3);
      break;
    case "throwLater":
      setTimeout(() => {
        throw new Error("late boom");
      }, 5);
      return new Promise(() => {});
    case "forgetRejection":
      Promise.reject(new Error("forgotten"));
      return new Promise(() => {});
    case "throw":
      throw new TypeError("bad input");
    case "reject":
      return Promise.reject(new RangeError("out of range"));
    case "throwString":
      throw "just a string";
    case "big":
      return "x".repeat(6_300_000);
    default:
      return { calls };
  }
};
