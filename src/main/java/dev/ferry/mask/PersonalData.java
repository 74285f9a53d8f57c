package dev.ferry.mask;

import dev.ferry.catalog.Column;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Columns that look personal, by their name or by what a sample of their values holds, and the rule that would
 * mask each: what {@code ferry rules} suggests for the columns no rule classifies yet.
 */
public final class PersonalData {
  /** A suggested rule: as the configuration spells it, and why. */
  public record Suggestion(String rule, String why) {}

  private record ByName(Pattern name, String rule, String what) {}

  private static final List<ByName> NAMES = List.of(
      new ByName(Pattern.compile("(^|_)e_?mail(_|$)|(^|_)email"), "email", "an email address"),
      new ByName(Pattern.compile("(^|_)(phone|mobile|tel|telephone|fax)(_|$)"), "phone", "a phone number"),
      new ByName(Pattern.compile("(^|_)(first|last|full|middle|given|family|sur|user|display|contact)_?name$|^name$"),
          "name", "a person's name"),
      new ByName(Pattern.compile("(^|_)(password|passwd|pwd|secret|token|api_key|apikey|hash|salt)(_|$)"), "redact",
          "a credential"),
      new ByName(Pattern.compile("(^|_)(birth|dob|birthday|date_of_birth)(_|$)"), "{shift: 30}", "a birth date"),
      new ByName(Pattern.compile("(^|_)(address|street|addr|postcode|postal|zip)(_|$)"), "redact", "an address"),
      new ByName(Pattern.compile("(^|_)(ip|ip_address|ipaddr|remote_addr)(_|$)"), "redact", "an IP address"),
      new ByName(Pattern.compile("(^|_)(iban|card|card_number|ssn|tax_id|passport)(_|$)"), "redact",
          "an account or identity number"));

  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ()./-]{7,20}$");
  private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}\\b");
  private static final Pattern IPV4 = Pattern.compile("\\b(?:[0-9]{1,3}\\.){3}[0-9]{1,3}\\b");

  private PersonalData() {}

  /** By the column's name alone. */
  public static Optional<Suggestion> byName(Column column) {
    String name = column.name().toLowerCase(Locale.ROOT);
    return NAMES.stream().filter(n -> n.name().matcher(name).find()).findFirst()
        .map(n -> new Suggestion(n.rule(), "its name says " + n.what()));
  }

  /** By a sample of the column's values (as text): emails, phone numbers, IBANs, IP addresses among them. */
  public static Optional<Suggestion> byContent(Column column, List<String> sample) {
    boolean json = column.type().startsWith("json");
    long emails = sample.stream().filter(v -> EMAIL.matcher(v).find()).count();
    long phones = json ? 0 : sample.stream().filter(v -> PHONE.matcher(v).matches() && v.replaceAll("\\D", "").length() >= 7).count();
    long ibans = sample.stream().filter(v -> IBAN.matcher(v).find()).count();
    long ips = sample.stream().filter(v -> IPV4.matcher(v).find()).count();
    String found = emails > 0 ? emails + " of " + sample.size() + " sampled values hold an email address"
        : ibans > 0 ? ibans + " of " + sample.size() + " sampled values hold an IBAN"
        : phones > 0 ? phones + " of " + sample.size() + " sampled values look like phone numbers"
        : ips > 0 ? ips + " of " + sample.size() + " sampled values hold an IP address" : null;
    if (found == null) {
      return Optional.empty();
    }
    long wholeEmails = sample.stream().filter(v -> EMAIL.matcher(v).matches()).count();
    String rule = json ? "{value: '{}'}  # or {sql: …} removing the personal keys"
        : wholeEmails * 2 > sample.size() ? "email" : phones * 2 > sample.size() ? "phone" : "redact";
    return Optional.of(new Suggestion(rule, found));
  }
}
