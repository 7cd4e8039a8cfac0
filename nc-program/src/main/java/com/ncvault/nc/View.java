package com.ncvault.nc;

import java.util.Locale;

/**
 * A backplot view: {@code u} to the right, {@code v} up (SVG's y is flipped so that +v is up).
 * XY looks from +Z (top), XZ from -Y (front), YZ from +X (side).
 */
public enum View {
    XY(0, 1, Plane.XY),
    XZ(0, 2, Plane.ZX),
    YZ(1, 2, Plane.YZ);

    final int u;
    final int v;
    /** The arc plane that lies in this view: its arcs are drawn as SVG arcs. */
    final Plane plane;

    View(int u, int v, Plane plane) {
        this.u = u;
        this.v = v;
        this.plane = plane;
    }

    /** The axis the view looks along. */
    int normal() {
        return plane.normal;
    }

    /**
     * +1 when the plane's counter-clockwise turn is counter-clockwise in this view, -1 when the view
     * sees the plane from its back (XZ shows G18's Z-then-X plane mirrored).
     */
    int orientation() {
        return plane.first == u ? 1 : -1;
    }

    /** {@code xy}, {@code xz} or {@code yz} in either case. */
    public static View parse(String name) {
        if (name != null) {
            for (View view : values()) {
                if (view.name().equals(name.toUpperCase(Locale.ROOT))) {
                    return view;
                }
            }
        }
        throw new IllegalArgumentException("view must be xy, xz or yz");
    }

    String axisNames() {
        return "XYZ".charAt(u) + "" + "XYZ".charAt(v);
    }
}
