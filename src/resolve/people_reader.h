// People reader: HR, applicant, account, payroll, vendor and identity-verification
// records from CSV (RFC 4180, header row) or JSON lines into Person records.
// Default columns are the Person field names (records/person.h; "phone" holds
// several numbers separated by ';'); LinkageConfig::columns maps other names. Every
// column but record_id is optional. The format is detected from the first byte
// ('{' = JSON lines). A malformed row (wrong field count, bad JSON, no record_id,
// a record_id seen before in the same input) goes to the RejectSink with file and
// line, is counted, and reading goes on.
//
// Thread safety: calls use only their arguments; distinct calls may run on
// distinct threads.
#ifndef IMPOSTOR_RESOLVE_PEOPLE_READER_H_
#define IMPOSTOR_RESOLVE_PEOPLE_READER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"
#include "records/person.h"
#include "resolve/linkage_config.h"

namespace impostor {

struct PeopleReadStats {
  uint64_t records = 0;
  uint64_t rejected = 0;
  uint64_t bytes = 0;
};

// Reads a file, "-" for stdin, a gzip file (recognised by its magic bytes) or an
// archive member ("people.zip!/hr.csv"), as the sign-in readers do. A non-OK
// Status only when the input as a whole cannot be read (missing file, damaged
// gzip, no record_id column); bad rows are rejects.
Status ReadPeople(const std::string& path, const LinkageConfig& config, std::vector<Person>* out,
                  RejectSink& rejects, PeopleReadStats* stats);

// The same over text already in memory; `name` is the file name used in rejects and
// Person::source_file.
Status ParsePeople(std::string_view text, const std::string& name, const LinkageConfig& config,
                   std::vector<Person>* out, RejectSink& rejects, PeopleReadStats* stats);

// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
// Calls `row` with the fields of each record (white space around unquoted fields
// trimmed) and the 1-based line where it starts; stops early when `row` returns
// false. An unterminated quote is reported as a row with `error` set.
using CsvRowCallback =
    std::function<bool(const std::vector<std::string>& fields, uint64_t line, const std::string& error)>;
void ForEachCsvRow(std::string_view text, const CsvRowCallback& row);

}  // namespace impostor

#endif  // IMPOSTOR_RESOLVE_PEOPLE_READER_H_
