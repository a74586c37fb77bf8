# The dashboard URL's console host follows the partition of the topic's ARN (commercial, China, GovCloud). A file of
# its own: its mock provider gives the topic no default ARN, so that each run's override decides it.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name_prefix      = "orders"
  lambda_functions = { create = { function_name = "orders-create", timeout_seconds = 10 } }
}

# Runs share one state: each replaces the topic, so that it is created again with that run's ARN.
run "the_dashboard_url_is_the_commercial_console_in_aws" {
  plan_options {
    replace = [aws_sns_topic.this]
  }

  override_resource {
    target = aws_sns_topic.this
    values = { arn = "arn:aws:sns:eu-west-1:123456789012:orders-alarms" }
  }

  assert {
    condition     = startswith(output.dashboard_url, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=")
    error_message = "The commercial partition's console is <region>.console.aws.amazon.com."
  }
}

run "the_dashboard_url_follows_the_china_partition" {
  plan_options {
    replace = [aws_sns_topic.this]
  }

  override_resource {
    target = aws_sns_topic.this
    values = { arn = "arn:aws-cn:sns:cn-north-1:123456789012:orders-alarms" }
  }

  assert {
    condition     = startswith(output.dashboard_url, "https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#")
    error_message = "The China partition's console is <region>.console.amazonaws.cn."
  }
}

run "the_dashboard_url_follows_the_govcloud_partition" {
  plan_options {
    replace = [aws_sns_topic.this]
  }

  override_resource {
    target = aws_sns_topic.this
    values = { arn = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:orders-alarms" }
  }

  assert {
    condition     = startswith(output.dashboard_url, "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#")
    error_message = "GovCloud's console is console.amazonaws-us-gov.com."
  }
}
