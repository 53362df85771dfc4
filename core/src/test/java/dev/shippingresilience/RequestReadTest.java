package dev.shippingresilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shippingresilience.internal.Extraction;
import dev.shippingresilience.internal.ProfileModel.OperationSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A call reads its request body once for everything it takes from it: the carrier and the business key. */
class RequestReadTest {
  private static final ProviderProfile SHIPROCKET = ProviderProfiles.builtIn().require("shiprocket");
  private static final RequestSnapshot ASSIGN_AWB = RequestSnapshot.of("POST",
      URI.create("https://apiv2.shiprocket.in/v1/external/courier/assign/awb"), HeaderValues.empty(),
      "{\"shipment_id\":\"S-7\",\"courier_id\":12}".getBytes(StandardCharsets.UTF_8));

  @Test
  void oneReadingOfTheBodyServesTheBusinessKeyAndTheCarrier() {
    OperationSpec op = SHIPROCKET.compiled().operationNamed("assign-awb");
    Extraction read = SHIPROCKET.readRequest(op, ASSIGN_AWB, ResponseSnapshot.DEFAULT_PEEK_LIMIT);

    assertThat(SHIPROCKET.businessKey(op, ASSIGN_AWB, read)).isEqualTo("S-7");
    ResponseClassifier classifier = ResponseClassifier.builder().build();
    assertThat(classifier.requestCarrier(SHIPROCKET, ASSIGN_AWB, null, read)).isEqualTo("12");
    assertThat(classifier.requestCarrier(SHIPROCKET, ASSIGN_AWB, null, null)).as("read when not read yet")
        .isEqualTo("12");
  }

  @Test
  void anOperationWithoutABusinessKeyReadsTheCarriersOnlyAndABodilessRequestNothing() {
    OperationSpec create = SHIPROCKET.compiled().operationNamed("create-order");
    assertThat(SHIPROCKET.readRequest(create, ASSIGN_AWB, 1024).value("/courier_id")).isEqualTo("12");
    assertThat(SHIPROCKET.readRequest(create, ASSIGN_AWB, 1024).value("/shipment_id")).isNull();
    assertThat(SHIPROCKET.readRequest(create, RequestSnapshot.of("GET", "https://apiv2.shiprocket.in/x"), 1024))
        .isNull();
  }
}
