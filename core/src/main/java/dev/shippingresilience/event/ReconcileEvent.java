package dev.shippingresilience.event;

/**
 * A create lost its answer (a reset or a timeout after sending) and the engine asked the provider, with the
 * operation's reconcile lookup, whether it was processed; this is what the lookup proved.
 *
 * @param provider the provider id
 * @param operation the operation name of the create
 * @param outcome {@code found} (the call succeeds with the lookup's answer), {@code absent} (the create is sent
 *     again), {@code unknown} (the lookup failed or proved nothing: the original error is handed back) or
 *     {@code not_possible} (the request lacks a variable of the lookup, so none was sent)
 * @param reason one line for people, e.g. which pointer was found; never secrets or body text
 */
public record ReconcileEvent(String provider, String operation, String outcome, String reason) {}
