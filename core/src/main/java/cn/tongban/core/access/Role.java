package cn.tongban.core.access;

/** What a person or client may do. Names are stable: they travel in access tokens. */
public enum Role {
  /** 系统管理员 */
  ADMIN,
  /** 表单设计 (form author) */
  FORM_AUTHOR,
  /** 综合窗口 (window clerk) */
  CLERK,
  /** 村级代办员 (village agent) */
  AGENT,
  /** 部门审核 (department reviewer) */
  REVIEWER,
  /** 部门审批 (department approver) */
  APPROVER,
  /** 部门管理员 (manages the accounts of one department) */
  DEPARTMENT_ADMIN,
  /** 12345 热线 */
  HOTLINE,
  /** 电子监察 (supervisor) */
  SUPERVISOR,
  /** 项目跟踪跟办 (tracking officer of key construction projects; only they may be named one) */
  PROJECT_OFFICER,
  /** 申请人 (citizen or enterprise) */
  APPLICANT,
  /** 第三方渠道 (portal, mini-program back end, kiosk) */
  CHANNEL
}
