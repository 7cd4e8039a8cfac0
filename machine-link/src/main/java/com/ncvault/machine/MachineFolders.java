package com.ncvault.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folders an administrator allowed machines to use ({@code machineFolderRoots}). A machine's
 * folder must lie under one of them: after normalisation, and again after following symbolic links,
 * so a link inside a root cannot lead out of it.
 */
public final class MachineFolders {
    private final List<Path> roots;

    private MachineFolders(List<Path> roots) {
        this.roots = roots;
    }

    public static MachineFolders of(List<String> roots) {
        List<Path> paths = new ArrayList<>();
        for (String root : roots) {
            if (root == null || root.isBlank()) {
                continue;
            }
            paths.add(Path.of(root).toAbsolutePath().normalize());
        }
        return new MachineFolders(List.copyOf(paths));
    }

    public List<Path> roots() {
        return roots;
    }

    /**
     * Checks a folder an administrator typed. It must be absolute, lie under a root once normalised,
     * and, as far as it exists, also once its links are followed.
     *
     * @throws IllegalArgumentException with a message fit for the administrator when it does not
     */
    public Path require(String folder) {
        if (folder == null || folder.isBlank()) {
            throw new IllegalArgumentException("a folder is required");
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no machine folder roots are configured (machineFolderRoots)");
        }
        Path path;
        try {
            path = Path.of(folder);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("the folder must be an absolute path");
        }
        path = path.normalize();
        if (roots.stream().noneMatch(path::startsWith)) {
            throw new IllegalArgumentException("the folder lies outside the machine folder roots");
        }
        try {
            requireRealUnderRoot(path);
        } catch (IOException e) {
            throw new IllegalArgumentException("the folder cannot be checked: " + e.getClass().getSimpleName());
        }
        return path;
    }

    /** Re-checks a folder at the moment of use: links may have changed since it was registered. */
    void requireRealUnderRoot(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        Path real = existing.toRealPath();
        for (Path root : roots) {
            Path realRoot = Files.exists(root) ? root.toRealPath() : root;
            if (real.startsWith(realRoot)) {
                return;
            }
        }
        throw new IllegalArgumentException("the folder leads outside the machine folder roots through a link");
    }
}
