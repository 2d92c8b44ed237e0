/**
 * The domain's test kit, for the tests of this package and of every service that plugs in
 * its own adapters: builders of valid entities, stateful fakes of every port, a clock that
 * moves only when told, and the contract suites that every implementation of a repository
 * port must pass. It has no runtime dependency: the contract suites take the test
 * framework's functions as an argument.
 */
export * from "./builders.ts";
export * from "./contract-test-api.ts";
export * from "./fake-clock.ts";
export * from "./fake-login-throttle.ts";
export * from "./fake-password-hasher.ts";
export * from "./fake-ports.ts";
export * from "./fake-session-keys.ts";
export * from "./fake-token-service.ts";
export * from "./history-repository-contract.ts";
export * from "./in-memory-history-repository.ts";
export * from "./in-memory-session-repository.ts";
export * from "./in-memory-task-repository.ts";
export * from "./in-memory-unit-of-work.ts";
export * from "./in-memory-user-repository.ts";
export * from "./recorded-security-events.ts";
export * from "./sequential-id-generator.ts";
export * from "./session-repository-contract.ts";
export * from "./task-order.ts";
export * from "./task-repository-contract.ts";
export * from "./unit-of-work-contract.ts";
export * from "./user-repository-contract.ts";
export * from "./write-log.ts";
