package dev.shippingresilience.spring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Wraps a real request factory (not our code) and counts the transport responses opened and closed, so a test can
 * check that no response, and so no connection, leaked. Thread-safe.
 */
public final class CountingRequestFactory implements ClientHttpRequestFactory {
  private final ClientHttpRequestFactory delegate;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  /** Wraps {@code delegate}. */
  public CountingRequestFactory(ClientHttpRequestFactory delegate) {
    this.delegate = delegate;
  }

  /** Returns transport responses opened and not closed. */
  public int leaked() {
    return opened.get() - closed.get();
  }

  /** Returns transport responses opened. */
  public int opened() {
    return opened.get();
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
    ClientHttpRequest request = delegate.createRequest(uri, httpMethod);
    return new ClientHttpRequest() {
      @Override
      public ClientHttpResponse execute() throws IOException {
        ClientHttpResponse response = request.execute();
        opened.incrementAndGet();
        return new Counted(response);
      }

      @Override
      public OutputStream getBody() throws IOException {
        return request.getBody();
      }

      @Override
      public HttpHeaders getHeaders() {
        return request.getHeaders();
      }

      @Override
      public HttpMethod getMethod() {
        return request.getMethod();
      }

      @Override
      public URI getURI() {
        return request.getURI();
      }

      @Override
      public Map<String, Object> getAttributes() {
        return request.getAttributes();
      }
    };
  }

  private final class Counted implements ClientHttpResponse {
    private final ClientHttpResponse response;
    private final AtomicBoolean done = new AtomicBoolean();

    Counted(ClientHttpResponse response) {
      this.response = response;
    }

    @Override
    public HttpStatusCode getStatusCode() throws IOException {
      return response.getStatusCode();
    }

    @Override
    public String getStatusText() throws IOException {
      return response.getStatusText();
    }

    @Override
    public HttpHeaders getHeaders() {
      return response.getHeaders();
    }

    @Override
    public InputStream getBody() throws IOException {
      return response.getBody();
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        closed.incrementAndGet();
      }
      response.close();
    }
  }
}
