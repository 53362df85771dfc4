package dev.shippingresilience.spring.internal;

import java.io.IOException;
import java.net.HttpURLConnection;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * Spring's {@link SimpleClientHttpRequestFactory} ({@link HttpURLConnection}) with connect and read timeouts per
 * attempt: the shorter of the configured ones and the time the call's deadline leaves. {@code HttpURLConnection}
 * applies the read timeout to each read, so a body that drips in slowly can still outlast the deadline.
 */
public final class DeadlineSimpleRequestFactory extends SimpleClientHttpRequestFactory {
  @Override
  protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
    super.prepareConnection(connection, httpMethod);
    connection.setConnectTimeout(AttemptDeadline.bounded(connection.getConnectTimeout()));
    connection.setReadTimeout(AttemptDeadline.bounded(connection.getReadTimeout()));
  }
}
