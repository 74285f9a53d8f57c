package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.plan.KeyKind;
import dev.ferry.plan.TableOrder;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order the data phases load tables in: first the parents (natural-key tables others map their ids through,
 * and every table they depend on), level by level, then the dependents; tables of a level load in parallel.
 */
record LoadLevels(List<List<TablePlan>> parents, List<List<TablePlan>> dependents) {

  static LoadLevels of(Map<TableName, TablePlan> plans, TableOrder order) {
    Set<TableName> parents = parents(plans, order);
    return new LoadLevels(levels(plans, order, parents, true), levels(plans, order, parents, false));
  }

  private static Set<TableName> parents(Map<TableName, TablePlan> plans, TableOrder order) {
    Set<TableName> out = new HashSet<>();
    List<TableName> todo = new ArrayList<>();
    plans.values().stream().filter(p -> p.keyKind() == KeyKind.NATURAL).forEach(p -> todo.add(p.name()));
    while (!todo.isEmpty()) {
      TableName t = todo.remove(todo.size() - 1);
      if (out.add(t)) {
        plans.get(t).target().foreignKeys().stream()
            .filter(fk -> plans.containsKey(fk.refTable()) && order.deferred().stream()
                .noneMatch(d -> d.name().equals(fk.name()) && d.table().equals(fk.table())))
            .forEach(fk -> todo.add(fk.refTable()));
      }
    }
    return out;
  }

  private static List<List<TablePlan>> levels(Map<TableName, TablePlan> plans, TableOrder order,
      Set<TableName> parents, boolean inParents) {
    List<List<TablePlan>> out = new ArrayList<>();
    for (List<TableName> level : order.levels()) {
      List<TablePlan> l = level.stream().filter(t -> parents.contains(t) == inParents).map(plans::get).toList();
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  static Set<TableName> names(List<List<TablePlan>> levels) {
    Set<TableName> out = new HashSet<>();
    levels.forEach(l -> l.forEach(p -> out.add(p.name())));
    return out;
  }
}
