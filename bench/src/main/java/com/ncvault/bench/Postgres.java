package com.ncvault.bench;

import java.util.List;

/** A throw-away PostgreSQL database on 127.0.0.1:5432 (trust auth, user postgres), made with psql. */
final class Postgres implements AutoCloseable {

  private final String name;

  private Postgres(String name) {
    this.name = name;
  }

  static boolean available() {
    return Harness.onPath("psql")
      && Harness.run(List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-Atc", "select 1"), 20)
      .trim().equals("1");
  }

  static Postgres create(String purpose) {
    String name = "ncvault_bench_" + purpose + "_" + Harness.randomHex(4);
    int exit = Harness.runChecked(psql("CREATE DATABASE " + name), 60);
    if (exit != 0) {
      throw new IllegalStateException("could not create database " + name);
    }
    return new Postgres(name);
  }

  private static List<String> psql(String sql) {
    return List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql);
  }

  String uri() {
    return "postgresql://postgres@127.0.0.1:5432/" + name;
  }

  String name() {
    return name;
  }

  @Override
  public void close() {
    Harness.runChecked(psql("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"), 60);
  }
}
