package dev.ferry.config;

import java.util.Locale;

/** libpq's sslmode values, with libpq's meaning (see DatabaseUrl#connectOptions). */
public enum SslMode {
  DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

  public static SslMode parse(String value, String key) {
    try {
      return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "sslmode '" + value
          + "' is not one of disable, allow, prefer, require, verify-ca, verify-full");
    }
  }

  public String libpqName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
