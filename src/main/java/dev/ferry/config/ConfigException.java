package dev.ferry.config;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** Invalid configuration: always names the key at fault so the user knows what to fix. */
public class ConfigException extends FerryException {
  private final String key;

  public ConfigException(String key, String problem) {
    super(ErrorCode.CONFIG, key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
