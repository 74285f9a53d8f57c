package dev.ferry.config;

/** Invalid configuration: always names the key at fault so the user knows what to fix. */
public class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
