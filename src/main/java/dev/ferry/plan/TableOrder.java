package dev.ferry.plan;

import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Orders tables so every parent loads before its children. Foreign keys that make that impossible (a table
 * referencing itself, or tables referencing each other in a cycle) are "deferred": their columns are written
 * in a second pass once all rows exist, so no constraint is ever violated and no trigger is disabled.
 *
 * @param levels   tables grouped by depth; tables in one level do not depend on each other
 * @param deferred the foreign keys loaded in the second pass
 */
public record TableOrder(List<List<TableName>> levels, Set<ForeignKey> deferred) {

  public static TableOrder of(Collection<TableInfo> tables) {
    Map<TableName, TableInfo> byName = new TreeMap<>();
    tables.forEach(t -> byName.put(t.name(), t));
    Map<TableName, Integer> component = stronglyConnected(byName);
    Set<ForeignKey> deferred = new HashSet<>();
    Map<TableName, List<TableName>> parents = new HashMap<>();
    for (TableInfo t : byName.values()) {
      List<TableName> ps = new ArrayList<>();
      for (ForeignKey fk : t.foreignKeys()) {
        if (!byName.containsKey(fk.refTable())) {
          continue; // a parent outside the selection is assumed present on the target
        }
        boolean sameCycle = component.get(fk.refTable()).equals(component.get(t.name()));
        // Inside a cycle, keep edges to alphabetically earlier tables and defer the rest: what remains is acyclic.
        if (fk.selfReference() || (sameCycle && fk.refTable().compareTo(t.name()) > 0)) {
          deferred.add(fk);
        } else {
          ps.add(fk.refTable());
        }
      }
      parents.put(t.name(), ps);
    }
    Map<TableName, Integer> depth = new HashMap<>();
    for (TableName t : byName.keySet()) {
      depthOf(t, parents, depth);
    }
    List<List<TableName>> levels = new ArrayList<>();
    depth.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      while (levels.size() <= e.getValue()) {
        levels.add(new ArrayList<>());
      }
      levels.get(e.getValue()).add(e.getKey());
    });
    return new TableOrder(levels.stream().map(List::copyOf).toList(), Set.copyOf(deferred));
  }

  public List<TableName> flattened() {
    return levels.stream().flatMap(List::stream).toList();
  }

  private static int depthOf(TableName t, Map<TableName, List<TableName>> parents, Map<TableName, Integer> depth) {
    Integer known = depth.get(t);
    if (known != null) {
      return known;
    }
    int d = 0;
    for (TableName p : parents.get(t)) {
      d = Math.max(d, depthOf(p, parents, depth) + 1);
    }
    depth.put(t, d);
    return d;
  }

  /** Tarjan's algorithm, iterative so that deep FK chains cannot overflow the stack. */
  private static Map<TableName, Integer> stronglyConnected(Map<TableName, TableInfo> tables) {
    Map<TableName, Integer> index = new HashMap<>();
    Map<TableName, Integer> low = new HashMap<>();
    Map<TableName, Integer> component = new HashMap<>();
    Deque<TableName> stack = new ArrayDeque<>();
    Set<TableName> onStack = new HashSet<>();
    int[] counter = {0, 0};
    for (TableName start : tables.keySet()) {
      if (index.containsKey(start)) {
        continue;
      }
      Deque<Object[]> work = new ArrayDeque<>();
      work.push(new Object[] {start, 0});
      while (!work.isEmpty()) {
        Object[] frame = work.peek();
        TableName v = (TableName) frame[0];
        int next = (int) frame[1];
        if (next == 0 && !index.containsKey(v)) {
          index.put(v, counter[0]);
          low.put(v, counter[0]++);
          stack.push(v);
          onStack.add(v);
        }
        List<ForeignKey> fks = tables.get(v).foreignKeys();
        if (next < fks.size()) {
          frame[1] = next + 1;
          TableName w = fks.get(next).refTable();
          if (!tables.containsKey(w)) {
            continue;
          }
          if (!index.containsKey(w)) {
            work.push(new Object[] {w, 0});
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          TableName parent = (TableName) work.peek()[0];
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          TableName w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.put(w, counter[1]);
          } while (!w.equals(v));
          counter[1]++;
        }
      }
    }
    return component;
  }
}
