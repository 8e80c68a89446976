// The plan of a scan's inputs: archives expanded, unreadable and unrecognised
// files set aside with their reason while the rest stay.
#include "engine/inputs.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace impostor {
namespace {

std::string Write(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(InputPlanTest, OneBadFileIsSetAsideWithItsReason) {
  std::string good = Write("plan_good.csv", "user,time,ip\na@example.com,2024-05-01T13:00:00Z,198.51.100.1\n");
  std::string unknown = Write("plan_unknown.csv", "Date (UTC),Request ID,User,IP address\n2024-05-01,x,y,z\n");
  std::string missing = ::testing::TempDir() + "plan_no_such_file.json";
  InputPlan plan = PlanInputs({good, unknown, missing}, /*classify=*/true);
  ASSERT_EQ(plan.inputs.size(), 1u);
  EXPECT_EQ(plan.inputs[0], good);
  ASSERT_EQ(plan.skipped.size(), 2u);
  EXPECT_EQ(plan.skipped[0].input, unknown);
  // Close to the Entra download: the message says which columns it lacks.
  EXPECT_NE(plan.skipped[0].reason.message().find("closest entra.download: missing column(s): Username"),
            std::string::npos)
      << plan.skipped[0].reason.message();
  EXPECT_EQ(plan.skipped[1].reason.code(), Status::Code::kNotFound);
  std::remove(good.c_str());
  std::remove(unknown.c_str());
}

TEST(InputPlanTest, TableExportsWithDeviceColumnsAreSignIns) {
  // GoogleWorkspaceReports carries DeviceId / DeviceName columns; it is still a sign-in log.
  InputKinds kinds = ClassifyHead(
      "TimeGenerated [UTC],SrcIpAddr,IdApplicationName,ActorEmail,EventType,EventName,DeviceId,DeviceName\n"
      "\"7/3/2024, 6:52:57.794 PM\",198.51.100.50,login,kim@example.com,login,login_success,,\n");
  EXPECT_TRUE(kinds.signins);
  EXPECT_FALSE(kinds.devices);
}

}  // namespace
}  // namespace impostor
