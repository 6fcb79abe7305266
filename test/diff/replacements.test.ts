/**
 * Which changes make Pulumi replace a resource, type by type, as the upstream providers mark their arguments
 * `ForceNew` ("Changing this forces a new resource"): for each type of the replacement table, the arguments
 * that replace it, at the top of a path or above a nested one, and arguments updated in place that must not be
 * flagged; immutable types (any input but tags) and what is never a replacement (resource options, unknown types).
 */
import * as assert from "node:assert/strict";
import { REPLACE_ON_CHANGE, replacesOnChange } from "../../src/diff/replacements";

/** Per type: the arguments whose change replaces the resource, and arguments updated in place. */
const EXPECTED: Record<string, { replace: string[]; inPlace: string[] }> = {
  "github:index/repositoryEnvironment:RepositoryEnvironment": {
    replace: ["repository", "environment"],
    inPlace: ["reviewers[0].users[0]", "waitTimer", "deploymentBranchPolicy.protectedBranches"],
  },
  "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": {
    replace: ["repository", "environment"],
    inPlace: ["[options].protect"],
  },
  "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": {
    replace: ["repository", "environment", "secretName"],
    inPlace: ["plaintextValue", "encryptedValue"],
  },
  "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": {
    replace: ["repository", "environment", "variableName"],
    inPlace: ["value"],
  },
  "docker-build:index:Image": { replace: ["tags"], inPlace: ["[options].protect"] },
  "aws:iam/role:Role": {
    replace: ["name", "namePrefix", "path"],
    inPlace: ["assumeRolePolicy", "tags.team"],
  },
  "aws:iam/rolePolicy:RolePolicy": { replace: ["name", "namePrefix", "role"], inPlace: ["policy"] },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { replace: ["role", "policyArn"], inPlace: [] },
  "aws:cloudwatch/logGroup:LogGroup": { replace: ["name", "namePrefix"], inPlace: ["retentionInDays"] },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { replace: ["name"], inPlace: ["threshold", "alarmActions[0]"] },
  "aws:cloudwatch/dashboard:Dashboard": { replace: ["dashboardName"], inPlace: ["dashboardBody"] },
  "aws:secretsmanager/secret:Secret": { replace: ["name", "namePrefix"], inPlace: ["description"] },
  "aws:secretsmanager/secretVersion:SecretVersion": { replace: ["secretId"], inPlace: ["versionStages[0]"] },
  "aws:sns/topic:Topic": { replace: ["name", "namePrefix", "fifoTopic"], inPlace: ["displayName"] },
  "aws:sns/topicSubscription:TopicSubscription": {
    replace: ["topic", "protocol", "endpoint"],
    inPlace: ["filterPolicy"],
  },
  "aws:ecs/cluster:Cluster": { replace: ["name"], inPlace: ["settings[0].value"] },
  "aws:ecs/service:Service": {
    replace: ["name", "cluster", "launchType", "schedulingStrategy"],
    inPlace: ["desiredCount", "taskDefinition"],
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    replace: ["name", "namePrefix", "description", "vpcId"],
    inPlace: ["ingress[0].cidrBlocks[0]"],
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    replace: ["name", "namePrefix", "internal", "loadBalancerType"],
    inPlace: ["subnets[1]", "idleTimeout"],
  },
  "aws:lb/targetGroup:TargetGroup": {
    replace: ["name", "namePrefix", "port", "protocol", "vpcId", "targetType"],
    inPlace: ["healthCheck.path", "deregistrationDelay"],
  },
  "aws:lb/listener:Listener": { replace: ["loadBalancerArn"], inPlace: ["port", "defaultActions[0].type"] },
  "aws:appconfig/environment:Environment": { replace: ["applicationId"], inPlace: ["name", "description"] },
  "aws:appconfig/configurationProfile:ConfigurationProfile": {
    replace: ["applicationId", "locationUri", "type"],
    inPlace: ["name", "validators[0]"],
  },
  "pulumi:pulumi:StackReference": { replace: ["name"], inPlace: ["[options].protect"] },
};

/** Immutable types: a new revision for any input change but tags. */
const IMMUTABLE = [
  "aws:ecs/taskDefinition:TaskDefinition",
  "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion",
  "aws:appconfig/deployment:Deployment",
];

describe("replacement table, type by type", function () {
  it("covers exactly the types checked here", function () {
    assert.deepEqual(Object.keys(REPLACE_ON_CHANGE).sort(), [...Object.keys(EXPECTED), ...IMMUTABLE].sort());
  });

  for (const [type, { replace, inPlace }] of Object.entries(EXPECTED))
    it(`${type}: replaced by ${replace.join(", ") || "nothing"}`, function () {
      for (const p of replace) {
        assert.equal(replacesOnChange(type, p), true, p);
        assert.equal(replacesOnChange(type, `${p}.x`), true, `${p}.x`);
        assert.equal(replacesOnChange(type, `${p}[0]`), true, `${p}[0]`);
        assert.equal(replacesOnChange(type, `${p}x`), false, `${p}x`);
      }
      for (const p of [...inPlace, "[options].protect", "[options].ignoreChanges[0]"])
        assert.equal(replacesOnChange(type, p), false, p);
    });

  it("immutable types: any input replaces them, but not tags nor resource options", function () {
    for (const type of IMMUTABLE) {
      for (const p of ["containerDefinitions[web].image", "cpu", "content", "x.tags"])
        assert.equal(replacesOnChange(type, p), true, `${type} ${p}`);
      for (const p of ["tags.owner", "tagsAll", "[options].protect", "[options]"])
        assert.equal(replacesOnChange(type, p), false, `${type} ${p}`);
    }
  });

  it("a type not in the table is never replaced", function () {
    assert.equal(replacesOnChange("aws:unknown/thing:Thing", "name"), false);
    assert.equal(replacesOnChange("", "name"), false);
  });
});
