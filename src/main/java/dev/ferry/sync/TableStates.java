package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.result.TableResult;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Every selected table's {@link TableState}, in plan order: the value the data phases hand on, one to the next. */
final class TableStates {
  private final Map<TableName, TableState> byName;

  private TableStates(Map<TableName, TableState> byName) {
    this.byName = byName;
  }

  static TableStates of(List<TableState> states) {
    Map<TableName, TableState> m = new LinkedHashMap<>();
    states.forEach(s -> m.put(s.plan().name(), s));
    return new TableStates(m);
  }

  TableState get(TableName name) {
    return byName.get(name);
  }

  /** These states replacing the tables' earlier ones. */
  TableStates with(Collection<TableState> changed) {
    if (changed.isEmpty()) {
      return this;
    }
    Map<TableName, TableState> m = new LinkedHashMap<>(byName);
    changed.forEach(s -> m.put(s.plan().name(), s));
    return new TableStates(m);
  }

  Collection<TableState> all() {
    return byName.values();
  }

  List<TableResult> results() {
    return byName.values().stream().map(TableState::result).toList();
  }

  Set<TableName> troubled() {
    return byName.values().stream().filter(TableState::failedOrRefused).map(s -> s.plan().name())
        .collect(Collectors.toSet());
  }

  boolean nothingWritten() {
    return byName.values().stream().allMatch(s -> s.counts().written() == 0);
  }
}
