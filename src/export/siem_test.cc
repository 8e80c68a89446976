// CEF, ECS and syslog forwarding: escaping, the field mapping against golden lines,
// RFC 5424 framing, and a sender against sockets the test listens on (refused,
// received, peer closed). The end-to-end run over UDP, TCP and TLS through the
// binary is siem_forward_test.sh.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "export/cef.h"
#include "export/ecs.h"
#include "export/syslog_sender.h"
#include "export/test_util.h"

namespace impostor {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = testing_util::GoldenExportDir();

using testing_util::ReadWholeFile;

// The golden finding input as Findings.
std::vector<Finding> GoldenFindings() {
  std::vector<Finding> out;
  for (testing_util::GoldenFinding& g : testing_util::ReadGoldenFindings()) out.push_back(std::move(g.finding));
  return out;
}

void CompareGolden(const fs::path& path, const std::string& actual) {
  if (std::getenv("IMPOSTOR_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
  EXPECT_EQ(actual, ReadWholeFile(path)) << "regenerate " << path << " with IMPOSTOR_UPDATE_GOLDEN=1 after checking the difference";
}

TEST(CefTest, HeaderEscaping) {
  EXPECT_EQ(CefEscapeHeader(R"(a|b\c)"), R"(a\|b\\c)");
  EXPECT_EQ(CefEscapeHeader("two\nlines\r"), "two lines ");
  EXPECT_EQ(CefEscapeHeader("a=b"), "a=b");  // `=` is literal in the header
}

TEST(CefTest, ExtensionEscaping) {
  EXPECT_EQ(CefEscapeValue(R"(a=b\c)"), R"(a\=b\\c)");
  EXPECT_EQ(CefEscapeValue("x\ny\rz"), R"(x\ny\rz)");
  EXPECT_EQ(CefEscapeValue("a|b"), "a|b");  // `|` is literal in extensions
}

TEST(CefTest, SeverityBands) {
  EXPECT_EQ(CefSeverity(Severity::kUnknown), 0);
  EXPECT_EQ(CefSeverity(Severity::kLow), 3);
  EXPECT_EQ(CefSeverity(Severity::kMedium), 5);
  EXPECT_EQ(CefSeverity(Severity::kHigh), 8);
  EXPECT_EQ(CefSeverity(Severity::kCritical), 10);
}

TEST(CefTest, HostileValuesStayInTheirField) {
  Finding f;
  f.detector = "signin.x|y";
  f.key = "k=1";
  f.entity_type = "account";
  f.entity = "a\\b@c";
  f.title = "T|itle";
  f.explanation = "line one\nmsg=forged cs1=evil";
  CefOptions o;
  o.now_ms = 1717372800000;
  const std::string line = CefLine(f, o);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find(R"(CEF:0|impostor|impostor|0.1.0|signin.x\|y|T\|itle|5|)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(externalId=k\=1 )"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(msg=line one\nmsg\=forged cs1\=evil)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(duser=a\\b@c)"), std::string::npos) << line;
}

TEST(CefTest, LongLinesAreCutToFitAndStayUtf8) {
  Finding f;
  f.detector = "persona.reuse";
  f.key = "persona.reuse|p1";
  f.entity_type = "persona";
  f.entity = "p1";
  for (int i = 0; i < 500; ++i) f.explanation += "Zürich→";
  CefOptions o;
  o.now_ms = 1717372800000;
  o.max_bytes = 600;
  const std::string line = CefLine(f, o);
  EXPECT_LE(line.size(), 600u);
  EXPECT_NE(line.find("msg=Zürich"), std::string::npos);
  EXPECT_NE(line.find("...", line.size() - 3), std::string::npos) << line;
  // No cut inside a multi-byte sequence: the last byte before "..." is not a lead byte.
  const unsigned char before = static_cast<unsigned char>(line[line.size() - 4]);
  EXPECT_FALSE(before >= 0xC0) << line;
}

TEST(CefTest, GoldenLines) {
  std::string actual;
  CefOptions o;
  o.now_ms = 1717372800000;
  for (const Finding& f : GoldenFindings()) actual += CefLine(f, o) + "\n";
  ASSERT_FALSE(actual.empty());
  CompareGolden(kGolden / "cef" / "expected.cef", actual);
}

TEST(EcsTest, GoldenDocuments) {
  std::string actual;
  EcsOptions o;
  o.now_ms = 1717372800000;
  simdjson::dom::parser parser;
  for (const Finding& f : GoldenFindings()) {
    std::string doc = EcsDocument(f, o);
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(doc).get(e), simdjson::SUCCESS) << doc;
    EXPECT_EQ(std::string_view(e["event"]["kind"]), "alert");
    actual += doc + "\n";
  }
  CompareGolden(kGolden / "ecs" / "expected.jsonl", actual);
}

TEST(SyslogTest, Rfc5424Framing) {
  SyslogHeader h;
  h.facility = 13;
  h.hostname = "scanner 01";  // a space is not PRINTUSASCII and is dropped
  h.procid = "42";
  h.sw_version = "1\"2]";
  const std::string m = SyslogMessage(h, SyslogSeverity(Severity::kHigh), 1717372800123, "signin.impossible_travel", "CEF:0|x");
  EXPECT_EQ(m, "<107>1 2024-06-03T00:00:00.123Z scanner01 impostor 42 signin.impossible_travel "
               "[origin software=\"impostor\" swVersion=\"1\\\"2\\]\"] CEF:0|x");
  EXPECT_EQ(SyslogSeverity(Severity::kCritical), 2);
  EXPECT_EQ(SyslogSeverity(Severity::kInformational), 6);
  const std::string nil = SyslogMessage(h, 4, 0, std::string(40, 'm'), "");
  EXPECT_NE(nil.find(" - scanner01 impostor 42 " + std::string(32, 'm') + " [origin"), std::string::npos) << nil;
}

TEST(SyslogTest, Urls) {
  auto u = ParseSyslogUrl("udp://10.0.0.5");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 514);
  auto t = ParseSyslogUrl("tls://[::1]:6515");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 6515);
  EXPECT_EQ(ParseSyslogUrl("tls://siem.example")->port, 6514);
  EXPECT_FALSE(ParseSyslogUrl("siem.example:514").ok());
  EXPECT_FALSE(ParseSyslogUrl("http://x:1").ok());
  EXPECT_FALSE(ParseSyslogUrl("tcp://x:99999").ok());
  EXPECT_FALSE(ParseSyslogUrl("tcp://:514").ok());
}

// A loopback TCP listener on a free port.
int Listen(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd, 4);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

TEST(SyslogSenderTest, RefusedConnectionSaysWhatToDo) {
  int port;
  close(Listen(&port));  // nothing listens there any more
  auto s = SyslogSender::Open(*ParseSyslogUrl("tcp://127.0.0.1:" + std::to_string(port)));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot connect"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("check that the collector listens"), std::string::npos);
}

TEST(SyslogSenderTest, OctetCountingAndClosedPeer) {
  int port;
  const int lfd = Listen(&port);
  std::string received;
  std::thread peer([&] {
    int c = accept(lfd, nullptr, nullptr);
    char buf[4096];
    // Reads the first two frames, then hangs up.
    while (received.size() < 2 * (std::string("5 hello").size())) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      received.append(buf, static_cast<size_t>(n));
    }
    close(c);
  });
  auto s = SyslogSender::Open(*ParseSyslogUrl("tcp://127.0.0.1:" + std::to_string(port)));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE((*s)->Send("hello").ok());
  ASSERT_TRUE((*s)->Send("world").ok());
  peer.join();
  close(lfd);
  EXPECT_EQ(received, "5 hello5 world");
  Status st;
  for (int i = 0; i < 50 && st.ok(); ++i) {
    st = (*s)->Send("after close");
    if (st.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(st.ok()) << "sends to a closed peer kept succeeding";
  EXPECT_NE(st.message().find("closed the connection"), std::string::npos) << st.message();
}

TEST(SyslogSenderTest, OversizeMessageIsAnError) {
  int port;
  const int lfd = Listen(&port);
  SyslogTarget t = *ParseSyslogUrl("tcp://127.0.0.1:" + std::to_string(port));
  t.max_message_bytes = 10;
  auto s = SyslogSender::Open(t);
  ASSERT_TRUE(s.ok());
  Status st = (*s)->Send(std::string(11, 'x'));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("raise --max-bytes"), std::string::npos) << st.message();
  close(lfd);
}

TEST(SyslogSenderTest, TlsRefusesAnUnverifiedCollector) {
  // A plain TCP listener that never speaks TLS: the handshake fails with a message.
  int port;
  const int lfd = Listen(&port);
  std::thread peer([&] {
    int c = accept(lfd, nullptr, nullptr);
    char buf[512];
    (void)!read(c, buf, sizeof buf);
    (void)!write(c, "not tls\n", 8);
    close(c);
  });
  SyslogTarget t = *ParseSyslogUrl("tls://127.0.0.1:" + std::to_string(port));
  t.timeout_ms = 2000;
  auto s = SyslogSender::Open(t);
  peer.join();
  close(lfd);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("TLS"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace impostor
