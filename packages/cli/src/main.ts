console.log("junction");
