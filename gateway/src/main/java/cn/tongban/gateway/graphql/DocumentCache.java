package cn.tongban.gateway.graphql;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Parsed and validated documents by their text: a portal sends the same few query texts over and over (its
 * variables change, not its query), and parsing and validating one against the schema cost more than most of
 * the fetches it runs. Only documents that validated are kept (a refusal is worded in the caller's language, and
 * rare), only texts up to {@link #MAX_QUERY_CHARS} long, and at most {@link #MAX_ENTRIES} of them: past that the
 * cache starts again empty, so texts made up by the thousand cost what they cost without a cache.
 */
final class DocumentCache implements PreparsedDocumentProvider {
  static final int MAX_ENTRIES = 500;
  static final int MAX_QUERY_CHARS = 8_192;
  private final ConcurrentHashMap<String, PreparsedDocumentEntry> documents = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
    String query = input.getQuery();
    PreparsedDocumentEntry kept = documents.get(query);
    if (kept != null) {
      return CompletableFuture.completedFuture(kept);
    }
    PreparsedDocumentEntry entry = parseAndValidate.apply(input);
    if (!entry.hasErrors() && query.length() <= MAX_QUERY_CHARS) {
      if (documents.size() >= MAX_ENTRIES) {
        documents.clear();
      }
      documents.put(query, entry);
    }
    return CompletableFuture.completedFuture(entry);
  }
}
