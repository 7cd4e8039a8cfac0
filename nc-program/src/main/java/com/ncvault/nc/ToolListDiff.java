package com.ncvault.nc;

import com.ncvault.nc.ProgramFacts.Tool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the tool list of one revision differs from another's, by tool number: tools only in the
 * newer one ({@code added}), only in the older one ({@code removed}), and tools in both whose
 * comment changed.
 */
public record ToolListDiff(List<Tool> added, List<Tool> removed, List<Change> changed) {

    public ToolListDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    public record Change(int number, String fromComment, String toComment) { }

    public static ToolListDiff between(List<Tool> from, List<Tool> to) {
        Map<Integer, Tool> before = byNumber(from);
        Map<Integer, Tool> after = byNumber(to);
        List<Tool> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        for (Tool tool : after.values()) {
            Tool old = before.get(tool.number());
            if (old == null) {
                added.add(tool);
            } else if (!Objects.equals(old.comment(), tool.comment())) {
                changed.add(new Change(tool.number(), old.comment(), tool.comment()));
            }
        }
        List<Tool> removed = before.values().stream().filter(t -> !after.containsKey(t.number())).toList();
        return new ToolListDiff(added, removed, changed);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    private static Map<Integer, Tool> byNumber(List<Tool> tools) {
        Map<Integer, Tool> map = new LinkedHashMap<>();
        for (Tool tool : tools) {
            map.putIfAbsent(tool.number(), tool);
        }
        return map;
    }
}
