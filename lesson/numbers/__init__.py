"""Every number of a lesson, from the math core: the network's values, the computations', trainings and datasets."""
