package dev.shippingresilience;

/**
 * A provider profile could not be loaded: bad JSON, an unknown field or decision, a duplicate code, a bad
 * pointer or pattern. The message names the file, the field and the problem, e.g.
 * {@code my-provider.json: field codes."322".decision: unknown decision 'RETRIE' (expected one of SUCCEED,
 * RETRY, POLL, BREAK, FAIL)}.
 */
public final class InvalidProfileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The file or resource name. */
  private final String source;
  /** The path of the offending field, empty for the whole document. */
  private final String field;
  /** What is wrong, as a sentence. */
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param source the file or resource name
   * @param field the field path, e.g. {@code codes."322".decision}, or empty for the whole document
   * @param problem what is wrong, as a sentence
   */
  public InvalidProfileException(String source, String field, String problem) {
    super(source + ": " + (field.isEmpty() ? "" : "field " + field + ": ") + problem);
    this.source = source;
    this.field = field;
    this.problem = problem;
  }

  /** {@return the file or resource name} */
  public String source() {
    return source;
  }

  /** {@return the path of the offending field, empty for the whole document} */
  public String field() {
    return field;
  }

  /** {@return what is wrong} */
  public String problem() {
    return problem;
  }
}
