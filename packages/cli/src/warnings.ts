/**
 * The AWS SDK warns about its Node 22 plan on every start; a command's output is no place for it.
 * Every other warning is still printed, in one line.
 */
export function quietAwsNodeNotice(): void {
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    // It is emitted as a plain Warning whose message starts with its name.
    if (!warning.message.startsWith("NodeVersionSupportWarning"))
      process.stderr.write(`junction: ${warning.name}: ${warning.message}\n`);
  });
}
