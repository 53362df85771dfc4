package dev.shippingresilience.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

// The README's Spring Boot example, quoted verbatim between the markers (ReadmeExampleTest) and run in a Boot
// context by ReadmeSpringBootExampleTest.
// readme:start
@Service
class Orders {
  private final RestClient clickpost;

  Orders(RestClient.Builder builder, @Value("${clickpost.url:https://www.clickpost.in}") String url) {
    this.clickpost = builder.baseUrl(url).build();   // Boot's builder already carries the library's interceptor
  }

  String create(String orderJson, String key) {      // 102 polled, 429 waited out, 322 breaks that courier only
    return clickpost.post().uri("/api/v3/create-order/?username=acme&key={key}", key)
        .contentType(MediaType.APPLICATION_JSON).body(orderJson)
        .retrieve().body(String.class);
  }
}
// readme:end
