/** Resource type tokens the pack reads (docs/RESOURCES.md; provider schemas of @pulumi/github 6, @pulumi/aws 7, @pulumi/docker-build). */
export const T = {
  repository: "github:index/repository:Repository",
  ruleset: "github:index/repositoryRuleset:RepositoryRuleset",
  branchProtection: "github:index/branchProtection:BranchProtection",
  workflowPermissions: "github:index/workflowRepositoryPermissions:WorkflowRepositoryPermissions",
  actionsPermissions: "github:index/actionsRepositoryPermissions:ActionsRepositoryPermissions",
  repositoryFile: "github:index/repositoryFile:RepositoryFile",
  environment: "github:index/repositoryEnvironment:RepositoryEnvironment",
  deploymentPolicy:
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
  envSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
  envVariable: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  image: "docker-build:index:Image",
  index: "docker-build:index:Index",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  hostedConfig: "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
  appconfigApp: "aws:appconfig/application:Application",
  appconfigEnvironment: "aws:appconfig/environment:Environment",
  stackReference: "pulumi:pulumi:StackReference",
  appComponent: "cicd-constitution:app:Application",
} as const;

/**
 * AWS types of the program that take `tags` (CC-OBS-04). Types without a `tags` input (RolePolicy,
 * RolePolicyAttachment, SecretVersion, TopicSubscription, Dashboard, HostedConfigurationVersion) are not listed.
 */
export const TAGGABLE_AWS_TYPES = [
  "aws:iam/role:Role",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:secretsmanager/secret:Secret",
  "aws:ecs/cluster:Cluster",
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws:ecs/service:Service",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/listener:Listener",
  "aws:appconfig/application:Application",
  "aws:appconfig/environment:Environment",
  "aws:appconfig/configurationProfile:ConfigurationProfile",
  "aws:appconfig/deployment:Deployment",
  "aws:sns/topic:Topic",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
];
