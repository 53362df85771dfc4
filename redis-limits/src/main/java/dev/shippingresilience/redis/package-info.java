/**
 * Fleet-wide limits on Redis: {@link dev.shippingresilience.redis.RedisSharedLimits} keeps a provider account's
 * request bucket (Bucket4j over Lettuce), its rate-limit pauses and, optionally, breaker hints in Redis, so every
 * instance of a fleet draws from one budget. Plug it in with
 * {@link dev.shippingresilience.ShippingPolicy.Builder#sharedLimits(dev.shippingresilience.spi.SharedLimits)}.
 */
@NullMarked
package dev.shippingresilience.redis;

import org.jspecify.annotations.NullMarked;
