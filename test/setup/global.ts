// Placeholder: the Kafka global setup (start the local broker when needed) replaces this.
export default function setup(): void {}
