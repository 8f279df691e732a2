"""From a plan to the course package: the build, the output folder and the manifest."""
