# API Gateway creates a stage's execution log group itself, with no retention, the first time the stage logs. Since
# this version the api module creates it before the stage, with the environment's retention. A deployment whose stage
# has logged already has the group: for its first apply after upgrading, set import_execution_log_group = true (or
# pass -var=import_execution_log_group=true), and Terraform adopts the group and sets its retention instead of failing
# with ResourceAlreadyExistsException. On a new deployment leave it false: there is nothing to import yet.
import {
  for_each = var.import_execution_log_group ? toset([module.workout_log.api_execution_log_group_name]) : toset([])
  to       = module.workout_log.module.api.aws_cloudwatch_log_group.execution[0]
  id       = each.value
}
