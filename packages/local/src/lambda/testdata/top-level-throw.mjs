// Fails while loading, as a module whose initialisation code throws.
throw new Error("init failed");
