// entra_gen RECORDS ACCOUNTS OUT: writes the benchmarks' Entra Graph sign-ins
// (bench/entra_data.h) to OUT as JSON lines, for comparisons that read a file
// (bench/vs_duckdb.sh).
#include <cstdio>
#include <cstdlib>

#include "entra_data.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: entra_gen RECORDS ACCOUNTS OUT\n  e.g. entra_gen 1000000 100000 /tmp/signins.jsonl\n");
    return 2;
  }
  const size_t records = std::strtoull(argv[1], nullptr, 10), accounts = std::strtoull(argv[2], nullptr, 10);
  if (records == 0 || accounts == 0) {
    std::fprintf(stderr, "entra_gen: RECORDS and ACCOUNTS must be positive numbers\n");
    return 2;
  }
  FILE* f = std::fopen(argv[3], "wb");
  if (!f) {
    std::perror(argv[3]);
    return 1;
  }
  size_t bytes = impostor::bench::WriteEntraSignIns(f, records, accounts);
  if (std::fclose(f) != 0) {
    std::perror(argv[3]);
    return 1;
  }
  std::fprintf(stderr, "entra_gen: %zu sign-ins, %zu accounts, %.2f GB to %s\n", records, accounts, bytes / 1e9, argv[3]);
  return 0;
}
