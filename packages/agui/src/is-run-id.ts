const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Whether the runtime takes `value` as a run or thread id as it is (1–128 letters, digits, ".", "_", ":" or "-"). */
export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}
