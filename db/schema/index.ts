export * from "./auth";
export * from "./catalog";
export * from "./booking";
export * from "./notifier";
export * from "./webhooks";
