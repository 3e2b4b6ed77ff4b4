package dev.liaison.sources;

import dev.liaison.config.Settings;
import dev.liaison.config.SourceConfig;
import dev.liaison.fetch.Fetcher;
import dev.liaison.store.Store;

/** What a poller works with: its source's configuration, the shared fetcher, and the store. */
public record PollContext(SourceConfig source, Fetcher fetcher, Store store, Settings settings) {}
