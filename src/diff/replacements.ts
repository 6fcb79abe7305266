/**
 * Properties whose change makes Pulumi replace a resource (delete + create, or create + delete), by type.
 *
 * Source: the upstream Terraform providers the Pulumi AWS and GitHub providers are bridged from mark these
 * arguments `ForceNew` (AWS provider docs: "Changing this forces a new resource"; GitHub provider schemas of
 * `github_repository_environment`, `github_actions_environment_secret`, `github_actions_environment_variable`).
 * The list holds what this project registers (docs/RESOURCES.md) and is deliberately conservative: a property
 * absent here is reported as an in-place update. `pulumi preview` is the authority; this table only makes the
 * offline diff flag the replacements a reviewer must not miss.
 *
 * A value `"*"` means any input change replaces the resource (immutable resources such as an ECS task
 * definition revision or an AppConfig hosted configuration version).
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[] | "*">> = {
  // GitHub
  "github:index/repositoryEnvironment:RepositoryEnvironment": ["repository", "environment"],
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": [
    "repository",
    "environment",
  ],
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": [
    "repository",
    "environment",
    "secretName",
  ],
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": [
    "repository",
    "environment",
    "variableName",
  ],
  // Images: a changed tag list means a new build pushed under new tags, i.e. a new artifact.
  "docker-build:index:Image": ["tags"],
  // AWS IAM
  "aws:iam/role:Role": ["name", "namePrefix", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  // Logs, secrets, notifications
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix"],
  "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
  "aws:cloudwatch/dashboard:Dashboard": ["dashboardName"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretId"],
  "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
  "aws:sns/topicSubscription:TopicSubscription": ["topic", "protocol", "endpoint"],
  // ECS: a task definition is an immutable revision; any change registers a new one.
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecs/taskDefinition:TaskDefinition": "*",
  "aws:ecs/service:Service": ["name", "cluster", "launchType", "schedulingStrategy"],
  // Load balancing and network
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType"],
  "aws:lb/targetGroup:TargetGroup": ["name", "namePrefix", "port", "protocol", "vpcId", "targetType"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  // AppConfig: hosted configuration versions and deployments are immutable.
  "aws:appconfig/environment:Environment": ["applicationId"],
  "aws:appconfig/configurationProfile:ConfigurationProfile": ["applicationId", "locationUri", "type"],
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": "*",
  "aws:appconfig/deployment:Deployment": "*",
  // Stack references: another name is another stack.
  "pulumi:pulumi:StackReference": ["name"],
};

/**
 * Whether a change at `path` (a property path such as `tags[0]` or `containerDefinitions[0].image`) of a
 * resource of type `type` makes Pulumi replace the resource, per {@link REPLACE_ON_CHANGE}.
 */
export function replacesOnChange(type: string, path: string): boolean {
  const entry = REPLACE_ON_CHANGE[type];
  if (!entry) return false;
  if (entry === "*") return !path.startsWith("tags") && !path.startsWith("[options]");
  const top = /^[^.[]+/.exec(path)?.[0] ?? path;
  return entry.includes(top);
}
