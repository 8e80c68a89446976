#include "engine/inputs.h"

#include <algorithm>
#include <memory>

#include "ingest/device_reader.h"
#include "ingest/input_source.h"
#include "ingest/reader.h"

namespace impostor {

namespace {

constexpr size_t kHeadBytes = 64 * 1024;

bool Contains(std::string_view head, std::string_view needle) { return head.find(needle) != std::string_view::npos; }

// A CSV header row or first JSON line naming record_id: people records.
bool LooksLikePeople(std::string_view head) {
  std::string_view first = head.substr(0, head.find('\n'));
  std::string lower(first);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return Contains(lower, "record_id");
}

bool LooksLikeRegistrations(std::string_view head) {
  return Contains(head, "system.sms.send_phone_verification_message") || Contains(head, "device.user.add") ||
         Contains(head, "user.mfa.factor.activate") || Contains(head, "User registered security info");
}

// Sentinel table exports are told by several columns at once; their DeviceId /
// DeviceName columns (GoogleWorkspaceReports) must not make them device data.
bool IsTableExport(const std::string& signin_format) {
  return signin_format == "entra.download" || signin_format == "okta.flat" ||
         signin_format == "asim.authentication" || signin_format == "aws.sentinel" ||
         signin_format == "gws.sentinel";
}

}  // namespace

InputKinds ClassifyHead(std::string_view head) {
  InputKinds kinds;
  const std::string signin_format = DetectSignInFormat(head);
  if (IsTableExport(signin_format)) {
    kinds.signins = true;
    return kinds;
  }
  if (!DetectDeviceFormat(head).empty()) {
    kinds.devices = true;
    return kinds;
  }
  if (LooksLikePeople(head)) {
    kinds.people = true;
    return kinds;
  }
  kinds.registrations = LooksLikeRegistrations(head);
  // An Entra audit log of registrations is no sign-in log; an Okta export may be both.
  const bool entra_audit = Contains(head, "User registered security info");
  kinds.signins = !entra_audit && !signin_format.empty();
  return kinds;
}

Result<std::string> ReadInputHead(const std::string& path) {
  IMPOSTOR_ASSIGN_OR_RETURN(auto source, ingest::InputSource::Open(path));
  std::string head(kHeadBytes, '\0');
  size_t got = 0;
  while (got < head.size()) {
    IMPOSTOR_ASSIGN_OR_RETURN(auto n, source->Read(head.data() + got, head.size() - got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  return head;
}

Result<InputKinds> ClassifyInput(const std::string& path) {
  if (path == "-") {
    InputKinds kinds;
    kinds.signins = true;
    return kinds;
  }
  IMPOSTOR_ASSIGN_OR_RETURN(auto read, ReadInputHead(path));
  const std::string& head = read;
  InputKinds kinds = ClassifyHead(head);
  if (!kinds.signins && !kinds.registrations && !kinds.people && !kinds.devices) {
    if (head.find_first_not_of(" \t\r\n") == std::string::npos) {
      kinds.signins = true;  // an empty file is an empty sign-in log: nothing to do, nothing wrong
      return kinds;
    }
    FormatMatch match = MatchSignInFormat(head);
    return Status::InvalidArgument(path + ": not a format impostor reads (" + match.why +
                                   (match.near.empty() ? "" : "; closest " + match.near) +
                                   "); it reads sign-in logs, people records with a record_id column, "
                                   "osquery/Defender/MDM device data and MFA registrations: see docs/inputs.md, "
                                   "'impostor formats FILE', or force a format with --format");
  }
  return kinds;
}

InputPlan PlanInputs(const std::vector<std::string>& paths, bool classify) {
  InputPlan plan;
  for (const std::string& path : paths) {
    std::vector<std::string> candidates;
    Result<std::vector<std::string>> members = ingest::ListArchiveMembers(path);
    if (!members.ok()) {
      plan.skipped.push_back({path, members.status()});
      continue;
    }
    if (members->empty()) {
      candidates.push_back(path);
    } else {
      candidates = std::move(members).value();
    }
    for (const std::string& input : candidates) {
      if (input == "-") {  // stdin cannot be read twice: the scan reads it as sign-ins
        plan.inputs.push_back(input);
        continue;
      }
      Status status;
      if (classify) {
        Result<InputKinds> kinds = ClassifyInput(input);
        if (!kinds.ok()) {
          status = kinds.status();
        } else if (kinds->people && input != path) {
          // The people reader opens plain files only; an archive member would stop the scan.
          status = Status::Unsupported(input + ": people records inside an archive are not read; extract the "
                                               "file and pass it on its own");
        }
      } else {
        Result<std::unique_ptr<ingest::InputSource>> source = ingest::InputSource::Open(input);
        if (!source.ok()) status = source.status();
      }
      if (status.ok()) {
        plan.inputs.push_back(input);
      } else {
        plan.skipped.push_back({input, status});
      }
    }
  }
  return plan;
}

}  // namespace impostor
