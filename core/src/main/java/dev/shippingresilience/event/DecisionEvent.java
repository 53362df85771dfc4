package dev.shippingresilience.event;

import dev.shippingresilience.Classification;

/**
 * A response was classified.
 *
 * @param classification what the response means
 * @param attempt the attempt number the response answers
 * @param poll the poll number, 0 unless the response answers a poll
 */
public record DecisionEvent(Classification classification, int attempt, int poll) {}
