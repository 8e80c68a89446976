// Syslog forwarding: RFC 5424 messages over UDP (RFC 5426), TCP (RFC 6587
// octet counting, or non-transparent LF framing) and TLS (RFC 5425, OpenSSL,
// certificate and host name verified against a CA file or the system's CAs).
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [origin ...] MSG
//
// Errors are values: a refused connection, a failed handshake or verification, a
// partial write that times out and a peer that closed the connection each come
// back as a Status that says what to do.
//
// Ownership and thread safety: a SyslogSender owns its socket (and TLS session);
// use it from one thread. Opening a TLS sender ignores SIGPIPE for the process
// (OpenSSL writes with write(2)), so a closed peer is an error, not a signal.
#ifndef IMPOSTOR_EXPORT_SYSLOG_SENDER_H_
#define IMPOSTOR_EXPORT_SYSLOG_SENDER_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "detect/finding.h"

namespace impostor {

enum class SyslogTransport { kUdp, kTcp, kTls };

struct SyslogHeader {
  int facility = 10;         // 0-23; default 10 authpriv (security messages)
  std::string hostname;      // "" = gethostname()
  std::string app_name = "impostor";
  std::string procid;        // "" = the process id
  std::string sw_version = "0.1.0";  // origin swVersion
};

// RFC 5424 severity of a finding severity: Critical 2, High 3, Medium 4, Low 5,
// Informational and Unknown 6.
int SyslogSeverity(Severity severity);

// One RFC 5424 message (without transport framing). `msgid` is cut to 32
// printable US-ASCII characters, header fields to their RFC limits; `time_ms`
// is written as RFC 3339 UTC with milliseconds.
std::string SyslogMessage(const SyslogHeader& header, int severity, TimeMs time_ms, std::string_view msgid,
                          std::string_view msg);

struct SyslogTarget {
  SyslogTransport transport = SyslogTransport::kUdp;
  std::string host;
  int port = 514;
  // TCP and TLS: octet counting (RFC 6587 3.4.1, the only framing RFC 5425
  // allows) or non-transparent LF framing (3.4.2; TCP only; a LF inside a message
  // is sent as a space).
  bool octet_counting = true;
  std::string ca_file;           // TLS: CA bundle (PEM); "" = the system's CAs
  std::string cert_file, key_file;  // TLS: client certificate for mutual TLS (optional)
  bool insecure = false;         // TLS: send without verifying the collector (only when asked)
  int timeout_ms = 5000;         // connect and write timeout
  size_t max_message_bytes = 0;  // 0 = 2048 for UDP, 65536 for TCP/TLS
};

// Parses "udp://host:port", "tcp://host:port", "tls://host:port" ("[::1]:port"
// for IPv6; the port defaults to 514, 6514 for TLS).
Result<SyslogTarget> ParseSyslogUrl(std::string_view url);

class SyslogSender {
 public:
  static Result<std::unique_ptr<SyslogSender>> Open(const SyslogTarget& target);
  ~SyslogSender();
  SyslogSender(const SyslogSender&) = delete;
  SyslogSender& operator=(const SyslogSender&) = delete;

  // Sends one message (framed for the transport).
  Status Send(std::string_view message);
  // Closes the connection (TLS close_notify); later Sends fail.
  Status Close();

  size_t max_message_bytes() const { return max_bytes_; }
  const std::string& name() const { return name_; }  // "tcp://host:port"
  uint64_t sent() const { return sent_; }

 private:
  struct Tls;
  SyslogSender() = default;
  Status WriteAll(std::string_view data);
  Status PeerClosed() const;

  SyslogTarget target_;
  std::string name_;
  int fd_ = -1;
  std::unique_ptr<Tls> tls_;
  size_t max_bytes_ = 2048;
  uint64_t sent_ = 0;
  std::string frame_;
};

}  // namespace impostor

#endif  // IMPOSTOR_EXPORT_SYSLOG_SENDER_H_
