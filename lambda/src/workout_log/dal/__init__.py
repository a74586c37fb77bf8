"""Storage: an interface (`base`) and its DynamoDB implementation (`dynamodb`)."""
