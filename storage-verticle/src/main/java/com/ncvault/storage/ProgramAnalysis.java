package com.ncvault.storage;

import com.ncvault.nc.NcInterpreter;
import com.ncvault.nc.NcOptions;
import com.ncvault.nc.ProgramFacts;
import com.ncvault.nc.ProgramFacts.Extents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What storage keeps of one content's program: the facts JSON the API answers, and the tools and
 * extents the list filters by. Binary content (the rule of {@link TextDiff#isBinary}) has none.
 * Plain and blocking: run it on a worker.
 */
record ProgramAnalysis(boolean binary, Buffer json, List<Integer> tools, Extents extents, double estimatedSeconds) {

  static final ProgramAnalysis BINARY = new ProgramAnalysis(true, null, List.of(), null, 0);

  /** Reads the content twice, streamed: once for the binary test, once for the interpreter. */
  static ProgramAnalysis of(Path content, NcOptions options) throws IOException {
    try (InputStream in = Files.newInputStream(content)) {
      if (TextDiff.isBinary(in)) {
        return BINARY;
      }
    }
    ProgramFacts facts;
    try (InputStream in = Files.newInputStream(content)) {
      facts = NcInterpreter.facts(in, options);
    }
    return new ProgramAnalysis(false, Json.encodeToBuffer(facts),
      facts.tools().stream().map(ProgramFacts.Tool::number).toList(), facts.extents(), facts.estimatedSeconds());
  }

  /** The tool numbers as the column keeps them: ",1,12," (just "," for none), so "%,12,%" finds tool 12. */
  String toolsColumn() {
    return tools.stream().map(String::valueOf).collect(Collectors.joining(",", ",", ",")).replace(",,", ",");
  }

  /** Max - min along X, Y and Z, or null when the program does not move. */
  double[] lengths() {
    return extents == null ? null : new double[] {extents.sizeX(), extents.sizeY(), extents.sizeZ()};
  }
}
