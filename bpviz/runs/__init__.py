"""Training runs as a page drives them: a Run advanced in ticks, a comparison of learning rates, the work
cap of one request, tracked samples and the classification report after a run."""
