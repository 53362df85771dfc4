package dev.shippingresilience.examples;

import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The README's first OkHttp example: the built-in providers, one interceptor, one call. Compiled with the build so
 * the README cannot drift from the API.
 */
public final class QuickStartOkHttp {
  private QuickStartOkHttp() {}

  /** Creates a Clickpost order and returns the final decision. */
  static String createOrder(String key, String orderJson) throws IOException {
    // readme:start
    ShippingPolicies policies = ShippingPolicies.builder().build();    // built-in providers; build once, share
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(ShippingInterceptor.of(policies))
        .build();

    Request order = new Request.Builder()
        .url("https://www.clickpost.in/api/v3/create-order/?username=acme&key=" + key)
        .post(RequestBody.create(orderJson, MediaType.get("application/json")))
        .build();
    try (Response response = client.newCall(order).execute()) {   // 102 polled, 429 waited out, 322 breaks
      return response.header(ShippingInterceptor.DECISION_HEADER);  // SUCCEED, RETRY, POLL, BREAK or FAIL
    }
    // readme:end
  }
}
