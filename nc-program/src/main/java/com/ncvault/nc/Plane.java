package com.ncvault.nc;

/**
 * The arc and drilling plane. Axes are numbered 0 = X, 1 = Y, 2 = Z. {@code first}, {@code second}
 * and {@code normal} make a right-handed frame, so a counter-clockwise arc (G3) turns from
 * {@code first} towards {@code second} when seen from the positive {@code normal} axis; canned
 * cycles drill along {@code normal}.
 */
public enum Plane {
    /** G17. */
    XY(0, 1, 2),
    /** G18: Z is the first axis, so G2/G3 are seen from +Y. */
    ZX(2, 0, 1),
    /** G19. */
    YZ(1, 2, 0);

    public final int first;
    public final int second;
    public final int normal;

    Plane(int first, int second, int normal) {
        this.first = first;
        this.second = second;
        this.normal = normal;
    }
}
