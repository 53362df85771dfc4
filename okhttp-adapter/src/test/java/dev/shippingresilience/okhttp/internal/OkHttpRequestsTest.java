package dev.shippingresilience.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.RequestSnapshot;
import java.io.IOException;
import java.net.URI;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/** How the adapter gives the engine a request's URL: OkHttp's own parts, the same the URI would have. */
class OkHttpRequestsTest {
  private static final String[] URLS = {
      "https://www.clickpost.in/api/v3/create-order/?username=u&key=K",
      "https://api.aftership.com/postmen/v3/labels",
      "http://127.0.0.1:8089/a/b?x=1&y=",
      "http://[::1]:8080/v1/track?n=1",
      "https://a.example:443/default/port",
      "https://a.example/enc%20oded/p%C3%A9?q=%7Bx%7D",
      "https://a.example/?",
      "https://a.example/x#frag",
      "https://a.example/pipe?ref=a|b[1]^",
      "https://a.example/br[ack]ets",
      "https://user:pw@a.example/x",
  };

  @Test
  void theSnapshotsPartsAreThoseOfTheUriTheAdapterWouldMake() throws IOException {
    for (String text : URLS) {
      HttpUrl url = HttpUrl.get(text);
      URI uri = OkHttpRequests.uri(url);
      RequestSnapshot snapshot = OkHttpRequests.snapshot(new Request.Builder().url(url).build(), true);

      assertThat(snapshot.host()).as(text).isEqualTo(uri.getHost());
      assertThat(snapshot.port()).as(text).isEqualTo(uri.getPort());
      assertThat(snapshot.rawPath()).as(text).isEqualTo(uri.getRawPath());
      assertThat(snapshot.rawQuery()).as(text).isEqualTo(uri.getRawQuery());
      assertThat(snapshot.uri()).as(text).isEqualTo(uri);
    }
  }

  @Test
  void onlyAPathQueryAndFragmentThatUriAcceptsAreTakenAsTheyAre() {
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a/b?c=d&e=%41#f", 17)).isTrue();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a|b", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a[b]", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a%4", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a%zz", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/a#b#c", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example/caf\u00e9", 17)).isFalse();
    assertThat(OkHttpRequests.uriTakesAsItIs("https://a.example", -1)).isFalse();
  }
}
