package dev.shippingresilience.examples;

import dev.shippingresilience.ProviderProfiles;
import dev.shippingresilience.ShippingPolicies;
import dev.shippingresilience.okhttp.ShippingInterceptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The worked example of docs/profile-format.md: a provider of your own (the made-up ParcelPigeon, described by
 * {@code docs/examples/parcelpigeon.json}) used through OkHttp. Compiled with the build so the document cannot
 * drift from the API; a test runs it against a loopback server.
 */
public final class ParcelPigeonExample {
  private ParcelPigeonExample() {}

  // doc:start
  /** The built-in providers plus ParcelPigeon. Build once and share: breakers and limits live in the policies. */
  static ShippingPolicies policies(Path profile) {          // e.g. Path.of("docs/examples/parcelpigeon.json")
    return ShippingPolicies.builder()
        .addProfiles(List.of(ProviderProfiles.load(profile))) // names the file, field and problem if it is broken
        .build();
  }

  /** An OkHttp client that applies them: ParcelPigeon is picked by the request host. */
  static OkHttpClient client(ShippingPolicies policies) {
    return new OkHttpClient.Builder().addInterceptor(ShippingInterceptor.of(policies)).build();
  }

  /** Books a parcel: PP-102 is polled, PP-429 retried, PP-503 counts against the loft's breaker. */
  static String book(OkHttpClient client, String url, String parcelJson) throws IOException {
    Request request = new Request.Builder()                 // url: https://api.parcelpigeon.example/v1/parcels
        .url(url)
        .post(RequestBody.create(parcelJson, MediaType.get("application/json")))
        .build();
    try (Response response = client.newCall(request).execute()) {
      // SUCCEED once the label is drawn; "PP-409 already booked" is SUCCEED too, with -Duplicate: true
      return response.header(ShippingInterceptor.DECISION_HEADER) + " " + response.body().string();
    }
  }
  // doc:end
}
