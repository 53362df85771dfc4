package dev.shippingresilience.event;

/**
 * A request is about to be sent.
 *
 * @param provider the provider id
 * @param operation the operation name
 * @param attempt the attempt number, 1 for the first send (polls not counted)
 * @param poll the poll number, 0 unless this send is a poll
 * @param method the HTTP method
 * @param redactedUrl the request URL with secrets masked
 */
public record AttemptEvent(String provider, String operation, int attempt, int poll, String method,
    String redactedUrl) {}
