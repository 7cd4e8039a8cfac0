package com.ncvault.contract;

import java.util.List;

/** One line of the PRESENCE message: a user, the nodes it is connected to and its socket count. */
public record PresenceEntry(String username, List<String> nodes, int connections) {
}
