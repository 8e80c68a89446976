#include "ingest/device_reader.h"

#include <gtest/gtest.h>

#include "ingest/registration_reader.h"

namespace impostor {
namespace {

const std::string kDir = std::string(IMPOSTOR_TEST_DATA_DIR) + "/devices/";

struct Rejects : RejectSink {
  std::vector<Reject> list;
  void OnReject(const Reject& r) override { list.push_back(r); }
};

std::vector<DeviceObservation> Read(const std::string& file, ReadStats* stats, Rejects* rejects,
                                    const std::string& format = "") {
  std::vector<DeviceObservation> out;
  DeviceReadOptions options;
  options.format = format;
  Status st = ReadDeviceRecords(kDir + file, options, [&](DeviceObservation&& o) { out.push_back(std::move(o)); },
                                *rejects, stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(DeviceReaderTest, OsquerydResultLogEventBatchAndSnapshot) {
  ReadStats stats;
  Rejects rejects;
  auto obs = Read("osqueryd_results.log", &stats, &rejects);
  // system_info 1, programs 2 + 1, processes 1 added + 1 removed, usb 1, time 1, keyboard 2.
  ASSERT_EQ(obs.size(), 10u);
  EXPECT_EQ(obs[0].kind, DeviceObservationKind::kSystemInfo);
  EXPECT_EQ(obs[0].device_id, "4C4C4544-0042-3510-8052-B4C04F4B4E32");
  EXPECT_EQ(obs[0].serial, "5CG1234XYZ");
  EXPECT_EQ(obs[0].hardware_model, "HP EliteBook 840 G8");
  EXPECT_EQ(obs[0].user, "alice@contoso.com");
  EXPECT_EQ(obs[0].time, *ParseTimestamp("2024-05-06T13:02:11Z"));
  EXPECT_EQ(obs[3].kind, DeviceObservationKind::kProgram);
  EXPECT_EQ(obs[3].name, "AnyDesk");
  EXPECT_EQ(obs[3].path, "C:\\Program Files (x86)\\AnyDesk");  // quotes dropped
  EXPECT_EQ(obs[3].time, *ParseTimestamp("2024-05-07T02:14:40Z"));  // unixTime as a string
  EXPECT_EQ(obs[4].kind, DeviceObservationKind::kProcess);
  EXPECT_EQ(obs[4].name, "remoting_host.exe");
  EXPECT_FALSE(obs[4].removed);
  EXPECT_TRUE(obs[5].removed);
  EXPECT_EQ(obs[6].kind, DeviceObservationKind::kUsbDevice);
  EXPECT_EQ(obs[6].usb_vendor_id, "1d6b");
  EXPECT_EQ(obs[6].usb_product_id, "0104");
  EXPECT_EQ(obs[6].usb_serial, "CAFEBABE");
  EXPECT_EQ(obs[7].timezone, "China Standard Time");
  ASSERT_EQ(obs[8].keyboard_layouts.size(), 1u);
  EXPECT_EQ(obs[9].keyboard_layouts[0], "00000412");
  EXPECT_EQ(obs[9].source_line, 7u);
  EXPECT_EQ(obs[9].source_format, "osquery");
  // osquery_info row: an unused table, skipped; a bad time and a truncated line: rejects with lines.
  EXPECT_EQ(stats.skipped, 1u);
  ASSERT_EQ(rejects.list.size(), 2u);
  EXPECT_EQ(rejects.list[0].line, 9u);
  EXPECT_NE(rejects.list[0].reason.find("unixTime"), std::string::npos);
  EXPECT_EQ(rejects.list[1].line, 10u);
  EXPECT_EQ(stats.records, 10u);
  EXPECT_EQ(stats.rejected, 2u);
}

TEST(DeviceReaderTest, OsqueryiJsonArrayTakesIdentityFromSystemInfo) {
  ReadStats stats;
  Rejects rejects;
  auto obs = Read("osqueryi_usb.json", &stats, &rejects);
  ASSERT_EQ(obs.size(), 3u);
  EXPECT_TRUE(rejects.list.empty());
  EXPECT_EQ(obs[1].device_id, "5B1A0E0C-2E6D-5E1F-9C3A-1F0A2B3C4D5E");
  EXPECT_EQ(obs[1].usb_model, "Multifunction Composite Gadget");
  EXPECT_EQ(obs[1].usb_vendor_id, "1d6b");
  EXPECT_EQ(obs[2].usb_product_id, "c52b");
  EXPECT_EQ(obs[2].source_line, 4u);
}

TEST(DeviceReaderTest, DefenderCsvPnpEvents) {
  ReadStats stats;
  Rejects rejects;
  auto obs = Read("mde_device_events.csv", &stats, &rejects);
  ASSERT_EQ(obs.size(), 1u);
  EXPECT_EQ(obs[0].kind, DeviceObservationKind::kUsbDevice);
  EXPECT_EQ(obs[0].usb_vendor_id, "1d6b");
  EXPECT_EQ(obs[0].usb_product_id, "0104");
  EXPECT_EQ(obs[0].usb_serial, "CAFEBABE");
  EXPECT_EQ(obs[0].device_id, "8d3b1f4c2a6e4d1b9f0c7e5a3b2d1c0f9e8d7c6b");
  EXPECT_EQ(stats.skipped, 1u);  // UsbDriveMounted
  ASSERT_EQ(rejects.list.size(), 1u);
  EXPECT_EQ(rejects.list[0].line, 4u);
}

TEST(DeviceReaderTest, DefenderApiJsonProcessAndDeviceInfo) {
  ReadStats stats;
  Rejects rejects;
  auto obs = Read("mde_process_events.json", &stats, &rejects);
  ASSERT_EQ(obs.size(), 3u);
  EXPECT_EQ(obs[0].kind, DeviceObservationKind::kProcess);
  EXPECT_EQ(obs[0].name, "AnyDesk.exe");
  EXPECT_EQ(obs[0].user, "alice@contoso.com");
  EXPECT_EQ(obs[1].kind, DeviceObservationKind::kSystemInfo);
  EXPECT_EQ(obs[2].kind, DeviceObservationKind::kNetwork);
  EXPECT_EQ(obs[2].public_ip, "73.15.22.9");
}

TEST(DeviceReaderTest, MdmCsvNormalisesBssidAndRejectsBadRows) {
  ReadStats stats;
  Rejects rejects;
  auto obs = Read("mdm_checkins.csv", &stats, &rejects);
  ASSERT_EQ(obs.size(), 2u);
  EXPECT_EQ(obs[0].kind, DeviceObservationKind::kMdmCheckIn);
  EXPECT_EQ(obs[0].bssid, "a4:2b:b0:11:22:33");
  EXPECT_EQ(obs[1].bssid, "a4:2b:b0:11:22:33");
  EXPECT_NEAR(obs[0].lat, 36.1719, 1e-6);
  EXPECT_EQ(obs[0].timezone, "America/Los_Angeles");
  ASSERT_EQ(rejects.list.size(), 2u);
  EXPECT_EQ(rejects.list[0].line, 4u);
  EXPECT_NE(rejects.list[0].reason.find("time"), std::string::npos);
  EXPECT_EQ(rejects.list[1].line, 5u);
  EXPECT_NE(rejects.list[1].reason.find("bssid"), std::string::npos);
}

TEST(DeviceReaderTest, FormatDetectionAndForcing) {
  EXPECT_EQ(DetectDeviceFormat("device_id,user,serial,hostname,time\n"), "mdm.csv");
  EXPECT_EQ(DetectDeviceFormat("Timestamp,DeviceId,DeviceName,ActionType\n"), "mde");
  EXPECT_EQ(DetectDeviceFormat("{\"name\":\"x\",\"hostIdentifier\":\"h\"}\n"), "osquery");
  EXPECT_EQ(DetectDeviceFormat("hello world"), "");
  Rejects rejects;
  Status st = ReadDeviceRecords(kDir + "mdm_checkins.csv", DeviceReadOptions{"nope", nullptr},
                                [](DeviceObservation&&) {}, rejects, nullptr);
  EXPECT_FALSE(st.ok());
  st = ReadDeviceRecords(kDir + "missing.csv", {}, [](DeviceObservation&&) {}, rejects, nullptr);
  EXPECT_FALSE(st.ok());
}

TEST(RegistrationReaderTest, OktaPhoneInDetailEntryOrPhoneTarget) {
  std::vector<Registration> out;
  Rejects rejects;
  ReadStats stats;
  Status st = ReadRegistrations(kDir + "okta_mfa.jsonl", "", [&](Registration&& r) { out.push_back(r); }, rejects, &stats);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].account, "alice@contoso.com");
  EXPECT_EQ(out[0].factor_type, FactorType::kSms);
  EXPECT_EQ(out[0].factor_id, "+17025550143");
  EXPECT_EQ(out[1].account, "bob@fabrikam.com");
  EXPECT_EQ(out[1].factor_id, "+17025550143");
  EXPECT_EQ(out[2].factor_type, FactorType::kPush);
  EXPECT_EQ(out[2].factor_id, "guo1q2w3e4r5t6y7u8i9");
  EXPECT_EQ(stats.skipped, 1u);
  ASSERT_EQ(rejects.list.size(), 1u);
  EXPECT_EQ(rejects.list[0].line, 5u);
}

TEST(RegistrationReaderTest, EntraUserRegisteredSecurityInfo) {
  std::vector<Registration> out;
  Rejects rejects;
  ReadStats stats;
  Status st = ReadRegistrations(kDir + "entra_audit_mfa.jsonl", "", [&](Registration&& r) { out.push_back(r); }, rejects,
                                &stats);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].account, "carol@contoso.com");
  EXPECT_EQ(out[0].factor_id, "+17025550143");
  EXPECT_EQ(out[0].source_format, "entra.audit");
  EXPECT_EQ(out[1].factor_type, FactorType::kPush);
  EXPECT_EQ(out[1].factor_id, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  EXPECT_EQ(out[1].factor_name, "Pixel 7");
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_TRUE(rejects.list.empty());
}

}  // namespace
}  // namespace impostor
